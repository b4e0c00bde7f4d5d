"""The cryptographic core of sealed ballots: the group (`group`), ballots as ElGamal
ciphertexts (`elgamal`), the trustees' key ceremony (`ceremony`) and threshold decryption
(`decryption`). docs/verifiability.md specifies every format and proof."""
