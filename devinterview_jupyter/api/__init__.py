"""REST API under ``{base_url}devinterview/api``: one module per resource."""
