def fit(token: str) -> str:
    return token
