// Protected: the TaskRouter workflow's assignment callback. Accept every
// reservation and bridge the caller to the agent's phone.
exports.handler = function (context, event, callback) {
  const worker = JSON.parse(event.WorkerAttributes || '{}');
  if (!worker.contact_uri) {
    return callback(null, { instruction: 'accept' });
  }
  return callback(null, { instruction: 'dequeue', to: worker.contact_uri });
};
