"""The search (untrusted): classification, witnesses, certificates, critical points, elimination.

Everything here may be clever; nothing here is trusted.  A ``proved`` verdict the
search writes is a claim that a kernel (:mod:`symmorse.kernel`) re-derives.
:mod:`~symmorse.search.classify` and :mod:`~symmorse.search.strata` classify
architectures (branches of layered MLPs, death strata of any graph);
:mod:`~symmorse.search.certify` and :mod:`~symmorse.search.certify_graph` find exact
witnesses; :mod:`~symmorse.search.critical` and :mod:`~symmorse.search.algebraic` find
the critical points of concrete networks; :mod:`~symmorse.search.node_classify`,
:mod:`~symmorse.search.resnet` and :mod:`~symmorse.search.embedding` treat neural ODEs,
residual networks and universal embedding; :mod:`~symmorse.search.elimination` computes
degeneracy polynomials; :mod:`~symmorse.search.normal_form` factors rank-deficient weights.
It imports :mod:`symmorse.model` and :mod:`symmorse.exact`, never the kernels.
"""
