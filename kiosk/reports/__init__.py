"""What supervisors read: the dispatch log of a business day, its exports and its printable page."""
