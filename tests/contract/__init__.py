"""Transport contract tests: one suite, run against every device peer."""
