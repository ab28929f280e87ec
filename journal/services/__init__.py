"""Plain functions per feature: the only place that decides who may touch what, and commits."""
