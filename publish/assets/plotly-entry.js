'use strict';
// plotly.js with the trace types Assembly Insights draws (scatter is in the core).
var Plotly = require('./core');
Plotly.register([
    require('./bar'),
    require('./box'),
    require('./funnel'),
    require('./heatmap'),
    require('./sankey'),
    require('./scatterpolar')
]);
module.exports = Plotly;
