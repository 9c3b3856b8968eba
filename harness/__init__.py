"""Real local parts the tests and the benchmarks both drive: a Streamlit server with Debian's
chromium, a Redis server on a loopback port, and PSD files built with known geometry.
Not shipped with the project; imported from the repository's root."""
