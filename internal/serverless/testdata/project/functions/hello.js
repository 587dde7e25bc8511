exports.handler = (context, event, callback) => {
  callback(null, { greeting: `Hello ${event.name || 'world'} from ${context.DOMAIN_NAME}` });
};
