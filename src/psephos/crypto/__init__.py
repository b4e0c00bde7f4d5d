"""The cryptographic core of sealed ballots: the group (`group`), ballots as ElGamal
ciphertexts (`elgamal`), the trustees' keys (`trustees`), the key ceremony (`ceremony`, with
the secret-sharing arithmetic in `sharing`), threshold decryption (`decryption`), the
zero-knowledge proofs (`proofs`), the signed JSON messages (`messages`), voters' public
credentials (`credentials`) and the ballots signed under them (`ballot_signatures`).
docs/verifiability.md specifies every format and proof."""
