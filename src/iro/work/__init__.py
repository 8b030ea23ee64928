"""Work queues: each role's landing page of what is waiting for them."""
