from allauth.account.adapter import DefaultAccountAdapter


class NoSignupAdapter(DefaultAccountAdapter):
    """Accounts are made by administrators, never by signing up."""

    def is_open_for_signup(self, request) -> bool:
        return False
