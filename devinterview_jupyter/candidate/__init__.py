"""The candidate page: a JupyterLite site carrying only the DevInterview extension."""
