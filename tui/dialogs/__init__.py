"""Modal dialogs: forms, choices and confirmations."""
