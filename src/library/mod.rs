//! The music library: scanning, tags, folder conventions, audio analysis, the SQLite index and the recommender.
