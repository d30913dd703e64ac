"""Declarative rules of a pack (bands, thresholds, vetoes, exemptions) and the engines that run them."""
