"""W3C Verifiable Credentials (Open Badges 3.0) signed with the platform's Ed25519 key, and their verification."""
