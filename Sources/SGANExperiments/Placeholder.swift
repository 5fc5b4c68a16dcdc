// Placeholder until the first real file lands; delete when adding one.
