"""Small developer tools; not part of the app."""
