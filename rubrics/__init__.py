"""Built-in rubric packs: one folder per pack, each with its pack.yaml."""
