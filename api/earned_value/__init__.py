"""Earned value management: the weighted-milestone method with the ANSI/EIA-748 measures, per project and portfolio."""
