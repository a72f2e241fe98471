"""Tab and Shift+Tab that move focus the moment the app reads them, for screens with fields.

Textual hands each key to the focused widget and acts on an ordinary Tab binding only when the
key bubbles back up from it. Keys that arrive in the same read (a paste, or typing over an SSH
link that stalls and then delivers several keys at once) have by then been handed to the field
being left: "Title<Tab>Place" saved "TitlePlace" as the title and an empty place. A priority
binding runs as the app reads the key, so every key after it goes to the next field."""

from __future__ import annotations

from textual.binding import Binding

FIELD_TAB_BINDINGS = [
    Binding("tab", "app.focus_next", "Next field", show=False, priority=True),
    Binding("shift+tab", "app.focus_previous", "Previous field", show=False, priority=True),
]
