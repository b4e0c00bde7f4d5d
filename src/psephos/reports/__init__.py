"""Views of one `Count`: JSON, CSV, terminal table, charts, RCTab-style summary.

Every module here renders the same audit trail; none of them counts anything,
so a figure shown anywhere is exactly the figure the rule produced.
"""
