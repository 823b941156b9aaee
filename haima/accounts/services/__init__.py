"""Account use cases, one module per flow; pages, API and tasks call these."""
