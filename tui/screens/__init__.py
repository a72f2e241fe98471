"""One screen per file: plan (home), history, dashboard, help."""
