// Talking to the API from the page: one CSRF token per page, JSON in and out.

let token = null;

async function csrfToken() {
  if (!token) {
    const response = await fetch("/api/v1/auth/csrf", { credentials: "same-origin" });
    token = (await response.json()).csrf_token;
  }
  return token;
}

// Send one request; answer { status, ok, body } (body {} when there is none).
export async function call(method, url, payload) {
  const headers = {};
  if (method !== "GET") headers["X-CSRFToken"] = await csrfToken();
  if (payload !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(url, {
    method,
    credentials: "same-origin",
    headers,
    body: payload === undefined ? undefined : JSON.stringify(payload),
  });
  const fresh = response.headers.get("X-CSRFToken");
  if (fresh) token = fresh;
  const body = await response.json().catch(() => ({}));
  return { status: response.status, ok: response.ok, body };
}
