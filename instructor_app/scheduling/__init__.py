"""Session calendars: public holidays and the pure rules that place, move and cascade sessions."""
