"""The course layer: what a student does and hands in (tasks, work, quiz, role play)."""
