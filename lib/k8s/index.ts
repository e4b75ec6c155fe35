/**
 * The typed Kubernetes API objects (KubeDeployment, KubeService, ...). They come from cdk8s-plus-27's
 * generated imports; importing that module alone avoids loading every cdk8s-plus L2 construct at synth.
 */
export * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
