"""One widget per file: the plan tree and the action pane."""
