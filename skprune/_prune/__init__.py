"""What to prune: criteria, masks, the pruning state, schedules, one pruning step."""
