"""Small helpers with no knowledge of Terraform or clouds: YAML with line numbers, wildcards,
garbage-collector pauses."""
