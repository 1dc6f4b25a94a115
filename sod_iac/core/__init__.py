"""The shared model every layer speaks: resources, findings, evidence (model), values static
evaluation cannot know (values), the settings rules read (settings), and shared wording."""
