"""sod-iac's caches, all signed with one key (signing): parsed files by content (parsed) and the
judgement of an unchanged project (judgements). A cache only ever costs speed, never correctness."""
