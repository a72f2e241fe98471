"""Reports and exports built from the store's projections (progress reports, audit trails,
trackers, evidence packs) and the importers that bring existing plans in."""
