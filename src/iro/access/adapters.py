from allauth.account.adapter import DefaultAccountAdapter


class NoSignupAdapter(DefaultAccountAdapter):
    """Accounts are made by administrators, never by signing up."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def get_client_ip(self, request) -> str:
        # The same address the sign-in lockout counts under (IRO_TRUSTED_PROXY_COUNT).
        from iro.access.signin import client_ip

        return client_ip(request) or super().get_client_ip(request)
