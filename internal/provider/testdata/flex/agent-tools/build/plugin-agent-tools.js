(function(){window.agentTools="v1";})();
//# sourceMappingURL=plugin-agent-tools.js.map
