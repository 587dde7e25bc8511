const words = require(Runtime.getAssets()['/words.json'].path);
exports.lookup = (word) => words[String(word || '').trim().toLowerCase()] || 'Unknown word';
