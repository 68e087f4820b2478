// Every suite starts from a quiet, known environment; no suite reads the developer's own .env or secrets.
process.env.NODE_ENV = 'test';
process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? 'silent';
