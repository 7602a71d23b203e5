"""The real-time edge: the SockJS connection, its wire protocol, auth token, rate limit, and the
arena that runs live battles on the IOLoop. Knows nothing of the rules beyond game's API."""
