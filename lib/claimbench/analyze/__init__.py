"""Pure analysis of measured runs: metric definitions, summaries, the SLO search (frames in, frames out)."""
