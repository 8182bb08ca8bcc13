"""Helpers for the course "Is a Turkic NATO taking shape?", in four layers that import only
downward: `data` (load, validate, check provenance), `model` (pure computations on the tables),
`views` (figures and widget views) and `course` (tasks, work files, quiz, role play, hand-in)."""
