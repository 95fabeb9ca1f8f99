throw new Error('sharp is stubbed out in edge-llm: transformers.js runs in the browser.');
