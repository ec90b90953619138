"""RQ workers that run the expensive calls, and the queues they take."""
