"""Storage and projections: the one application service every write goes through, and the read
side (current plan, audit trail, as-at replays) that folds the stored event log."""
