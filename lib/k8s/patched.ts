/**
 * Typed Kubernetes objects whose JSON patches apply to the manifest they render.
 *
 * A generated class (cdk8s-plus-27's `k8s.KubeDeployment`, or one in imports/) renders in two steps:
 * `ApiObject.toJson()` resolves the props and applies the patches of `addJsonPatch`, then the class's
 * `toJson_<Kind>Props` keeps only the fields its types know. A patch that adds a field the types lack (the point
 * of the escape hatch) is dropped by the second step: cdk8s-team/cdk8s-core#72. These subclasses keep cdk8s's
 * `addJsonPatch` and apply the patches after that step, to the manifest as written.
 */
import { JsonPatch } from 'cdk8s';
import { k8s } from './';

/** `k8s.KubeDeployment` (Kubernetes 1.27 types) whose `addJsonPatch` may add fields of newer Kubernetes versions. */
export class KubeDeployment extends k8s.KubeDeployment {
  private readonly renderedPatches: JsonPatch[] = [];

  public override addJsonPatch(...ops: JsonPatch[]): void {
    this.renderedPatches.push(...ops);
  }

  public override toJson(): any {
    return JsonPatch.apply(super.toJson(), ...this.renderedPatches);
  }
}
