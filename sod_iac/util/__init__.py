"""Small helpers with no knowledge of Terraform or clouds: YAML with line numbers, wildcards,
garbage-collector pauses, GitHub workflow commands and git run offline (the last two use the
standard library only: the Action's script imports them on a bare Python)."""
