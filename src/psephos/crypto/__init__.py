"""The cryptographic core of sealed ballots: the group (`group`), ballots as ElGamal
ciphertexts (`elgamal`), the trustees' keys (`trustees`), the key ceremony (`ceremony`, with
the secret-sharing arithmetic in `sharing`), threshold decryption (`decryption`), the
zero-knowledge proofs (`proofs`), the proof of shuffle (`shuffle_proof`, its file in
`shuffle_file`), the signed JSON messages (`messages`), voters' public credentials
(`credentials`) and the ballots signed under them (`ballot_signatures`).
docs/verifiability.md specifies every format and proof."""
