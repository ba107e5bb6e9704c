"""Language and easy read versions of a page: starting one, the sign-offs it needs, keeping
it tied to the English publication it was made from, and saying when that has moved on."""
