// Loaded between require.js and embed-amd.js (see nb_ipywidgets_js in _config.yml and scripts/vendor.py).
// The widget bundle puts its font files at the folder of the require.js module URL of the module that
// embeds the CSS. By default that is the page's folder + "@jupyter-widgets/...", which does not exist.
// Map both modules that embed CSS to files in this folder, where scripts/vendor.py copies the fonts.
(function () {
  var src = document.currentScript.src;
  var here = src.slice(0, src.lastIndexOf("/") + 1);
  window.require.config({
    paths: {
      "@jupyter-widgets/html-manager": here + "html-manager",
      "@jupyter-widgets/html-manager/dist/libembed-amd": here + "libembed-amd",
    },
  });
})();
