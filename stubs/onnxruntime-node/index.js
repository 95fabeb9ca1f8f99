throw new Error('onnxruntime-node is stubbed out in edge-llm: transformers.js runs in the browser on onnxruntime-web.');
