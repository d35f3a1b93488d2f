"""Customer-experience measurement: feedback, survey invitations, action items, mystery shops."""
