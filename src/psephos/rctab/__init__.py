"""Everything that exists to be RCTab-compatible: its contest config (`config`), the CVR
readers (`cvr`), its instant-runoff engine and options (`engine`), multi-winner and
bottoms-up modes, tie-breaks, the detailed-report summary, and the runner (`runner`)."""
